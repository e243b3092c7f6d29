"""Which column is which in a community's own file (shequ_volunteer/imports/columns.py)."""
import pytest

from shequ_volunteer.imports.columns import FIELDS, KINDS, clean_header, looks_like_header, match_columns


@pytest.mark.parametrize("kind, headers, expected", [
    ("residents", ["序号", " *姓 名 ", "手机号码(必填)", "楼号", "门牌号", "出生日期（年/月/日）", "所属网格", "备注"],
     {1: "name", 2: "phone", 3: "building", 4: "room", 5: "birth_year", 6: "grid"}),
    ("residents", ["名字", "联系电话", "楼", "房号", "出生年月", "小区"],
     {0: "name", 1: "phone", 2: "building", 3: "room", 4: "birth_year", 5: "estate"}),
    ("residents", ["姓名", "手机", "电话"], {0: "name", 1: "phone"}),  # the first column naming a field wins
    ("members", ["所在队伍", "姓名", "手机号", "是否队长"], {0: "team", 1: "name", 2: "phone", 3: "leader"}),
    ("members", ["队伍名称", "电话", "队长"], {0: "team", 1: "phone", 2: "leader"}),
    ("households", ["户主姓名", "楼栋", "室", "关注等级", "类别", "联系电话", "结对志愿者手机号"],
     {0: "head_name", 1: "building", 2: "room", 3: "tier", 4: "categories", 5: "contact_phone", 6: "helper_phones"}),
    ("households", ["户主", "帮扶等级", "监护人", "监护人电话"],
     {0: "head_name", 1: "tier", 2: "contact_name", 3: "contact_phone"}),
])
def test_common_spellings_are_recognised(kind, headers, expected):
    assert match_columns(headers, kind) == expected


@pytest.mark.parametrize("cells, is_header", [
    (["幸福社区居民花名册", None, None], False),
    (["序号", "姓名", "手机号"], True),
    (["1", "王秀英", "13800000000"], False),
    (["", "", ""], False),
])
def test_a_title_row_is_not_the_header(cells, is_header):
    assert looks_like_header(cells, "residents") is is_header


def test_no_spelling_names_two_fields_of_one_kind():
    for kind in KINDS:
        owner = {}
        for field in FIELDS[kind]:
            for spelling in (field.label, *field.synonyms):
                assert owner.setdefault(clean_header(spelling), field.key) == field.key, (kind, spelling)


def test_each_template_header_is_recognised_as_its_field():
    for kind in KINDS:
        headers = [field.label for field in FIELDS[kind]]
        assert list(match_columns(headers, kind).values()) == [field.key for field in FIELDS[kind]]
