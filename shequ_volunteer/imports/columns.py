"""What each kind of import reads: its fields, the Chinese headers of its template, and the
header spellings real files use. Pure: no Flask, no database, no file reading."""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("residents", "members", "households")
KIND_LABELS = {"residents": "居民/志愿者", "members": "队伍成员", "households": "帮扶对象"}


@dataclass(frozen=True)
class Field:
    """One column an import understands.

    `label` is the header the template writes; `synonyms` the other spellings recognised;
    `choices` the fixed values offered as a drop-down list in the template; `note` one line
    for the template's notes sheet.
    """

    key: str
    label: str
    required: bool
    synonyms: tuple[str, ...]
    choices: tuple[str, ...] = ()
    example: str = ""
    note: str = ""


_PHONE_WORDS = ("手机", "手机号", "手机号码", "联系电话", "电话", "电话号码", "联系方式", "移动电话")
_NAME_WORDS = ("姓名", "名字", "居民姓名", "志愿者姓名", "人员姓名")
YES_NO = ("是", "否")
TIER_CHOICES = ("高风险", "重点", "一般")  # pairing.rules.TIER_LABELS, as staff write them


def _address(*, grid_example: str = "第一网格") -> tuple[Field, ...]:
    return (
        Field("grid", "网格", False, ("所属网格", "网格名称", "网格号", "网格编号"),
              example=grid_example, note="所在网格，可不填"),
        Field("estate", "小区", False, ("小区名称", "所在小区", "所属小区", "小区名"),
              example="幸福里小区", note="所在小区，可不填"),
        Field("building", "楼栋", False, ("楼号", "楼", "楼栋号", "栋", "幢", "楼幢", "楼栋号码"),
              example="3", note="楼栋号，例如 3 或 3号楼"),
        Field("room", "室", False, ("门牌", "门牌号", "房号", "房间号", "室号", "单元室", "房屋", "单元门牌"),
              example="2-201", note="单元和室号，例如 2-201"),
    )


FIELDS: dict[str, tuple[Field, ...]] = {
    "residents": (
        Field("name", "姓名", True, _NAME_WORDS, example="王秀英", note="必填，居民本人姓名"),
        Field("phone", "手机号", True, _PHONE_WORDS, example="13800000000",
              note="必填，11位手机号；同一个手机号在文件里只算第一行"),
        *_address(),
        Field("birth_year", "出生年份", False, ("出生日期", "出生年月", "出生年月日", "生日", "出生年", "出生时间"),
              example="1950", note="可不填；写年份，或出生日期如 1950/3/5、1950年3月5日"),
    ),
    "members": (
        Field("team", "队伍", True, ("队伍名称", "所在队伍", "所属队伍", "志愿队伍", "志愿者队伍", "服务队",
                                     "团队", "队名"),
              example="夕阳红志愿服务队", note="必填，本社区已有的队伍名称，须与网站上的队名一致"),
        Field("phone", "手机号", True, _PHONE_WORDS, example="13800000000",
              note="必填，11位手机号；网站上已有这个手机号的人就直接加入队伍"),
        Field("name", "姓名", False, _NAME_WORDS, example="王秀英",
              note="手机号在网站上还没有时必填，用来新建这个人"),
        Field("leader", "是否队长", False, ("队长", "是否为队长", "职务", "队内职务"), choices=YES_NO,
              example="否", note="是 / 否，不填算否"),
    ),
    "households": (
        Field("head_name", "户主姓名", True, ("户主", "姓名", "名字", "帮扶对象", "帮扶对象姓名", "对象姓名",
                                          "老人姓名", "服务对象", "服务对象姓名"),
              example="李桂兰", note="必填，户主或帮扶对象本人姓名"),
        *_address(),
        Field("members", "家庭成员", False, ("成员", "同住人员", "家庭情况", "家庭成员情况", "同住成员"),
              example="独居", note="简要，例如 独居、与老伴同住"),
        Field("categories", "类别", False, ("帮扶类别", "人员类别", "对象类别", "困难类型", "帮扶类型", "对象类型"),
              example="空巢/独居老人",
              note="可多选，用顿号分开：空巢/独居老人、孤寡老人、留守儿童、残疾人、低保户、困难家庭；只有工作人员能看到"),
        Field("tier", "关注等级", True, ("帮扶等级", "关怀等级", "风险等级", "等级", "关注程度", "重点程度",
                                      "关注类别", "走访等级"),
              choices=TIER_CHOICES, example="重点", note="必填：高风险（每周探访）、重点（每月）、一般（每季度）"),
        Field("visit_interval_days", "探访间隔天数", False, ("探访间隔", "走访间隔", "走访周期", "探访周期",
                                                          "走访间隔天数"),
              example="", note="可不填，按关注等级默认；要另定时写1到365的天数"),
        Field("contact_name", "联系人", False, ("联系人姓名", "紧急联系人", "监护人", "监护人姓名", "家属"),
              example="李明", note="家属或监护人姓名，可不填"),
        Field("contact_phone", "联系人电话", False, ("联系人手机", "紧急联系人电话", "监护人电话", "家属电话",
                                                  *_PHONE_WORDS),
              example="13900000000", note="联系人的11位手机号，可不填"),
        Field("helper_phones", "结对志愿者手机号", False, ("结对志愿者", "结对志愿者手机", "结对志愿者电话",
                                                       "志愿者手机号", "志愿者手机", "志愿者电话", "帮扶人电话",
                                                       "帮扶人手机", "结对人手机", "结对人电话", "帮扶责任人电话"),
              example="13700000000",
              note="可不填；填了就与这些志愿者结对（一到两人，用顿号分开），志愿者须已在本社区网站上"),
    ),
}

# Marks real templates put around a header: '*姓名', '姓名(必填)', '手机号（选填）', '手 机'.
_MARKS = re.compile(r"[\s*＊:：]+")
_NOTE_IN_BRACKETS = re.compile(r"[(（【\[][^)）】\]]*[)）】\]]")


def clean_header(text) -> str:
    """A header as compared: no spaces, stars or colons; brackets half-width."""
    text = "" if text is None else str(text)
    return _MARKS.sub("", text).replace("（", "(").replace("）", ")")


def _spellings(field: Field) -> set[str]:
    return {clean_header(word) for word in (field.label, *field.synonyms)}


_SPELLINGS = {kind: [(field.key, _spellings(field)) for field in fields] for kind, fields in FIELDS.items()}


def field_for(header, kind: str) -> str | None:
    """The field a header names, or None: exact spelling first, then without the note in brackets
    ('手机号(11位)', '出生日期（年/月/日）', '姓名(必填)')."""
    cleaned = clean_header(header)
    for candidate in (cleaned, _NOTE_IN_BRACKETS.sub("", cleaned)):
        if not candidate:
            continue
        for key, spellings in _SPELLINGS[kind]:
            if candidate in spellings:
                return key
    return None


def match_columns(headers, kind: str) -> dict[int, str]:
    """Column index → field key for the headers recognised; the first column naming a field wins."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = field_for(header, kind)
        if key is not None and key not in mapping.values():
            mapping[index] = key
    return mapping


def looks_like_header(cells, kind: str) -> bool:
    """Whether a row is this kind's header row: at least two fields recognised (a title row
    above the header, '某某社区居民花名册', names none)."""
    return len(match_columns(cells, kind)) >= 2


def fields_by_key(kind: str) -> dict[str, Field]:
    return {field.key: field for field in FIELDS[kind]}


def required_keys(kind: str) -> tuple[str, ...]:
    return tuple(field.key for field in FIELDS[kind] if field.required)
