"""The scheduled messages' words (jobs.texts): short enough for a phone, times in Beijing, households as 楼栋 only."""
from __future__ import annotations

from datetime import date, datetime

from shequ_volunteer.jobs import texts
from shequ_volunteer.timeutil import from_local


def bj(text: str) -> datetime:
    return from_local(datetime.fromisoformat(text))


def facts(**fields) -> texts.ActivityFacts:
    values = {"title": "周末清洁家园", "starts_at": bj("2027-01-01 09:00"), "ends_at": bj("2027-01-01 11:00"),
              "place": "社区活动室", "description": "请带手套。", **fields}
    return texts.ActivityFacts(**values)


def test_when_writes_beijing_times_and_days():
    assert texts.when(bj("2027-01-01 09:00"), bj("2027-01-01 11:00")) == "1月1日 周五 09:00–11:00"
    # 00:30 Beijing is still the previous UTC day: the Beijing day is what counts.
    assert texts.when(bj("2028-02-29 00:30"), bj("2028-02-29 02:00")) == "2月29日 周二 00:30–02:00"
    assert texts.when(bj("2026-12-31 20:00"), bj("2027-01-01 02:00")) == "12月31日 周四 20:00–1月1日 周五 02:00"
    assert texts.when(bj("2027-01-01 00:00"), bj("2027-01-02 00:00")) == "1月1日 周五"
    assert texts.when(bj("2027-01-01 00:00"), bj("2027-01-03 00:00")) == "1月1日 周五 至 1月2日 周六"


def test_a_reminder_fits_a_message_however_long_the_description():
    title, body = texts.reminder(facts(description="注意" * 1000, title="长" * 200), pending=False, seats=1)
    assert len(title) <= 80 and len(body) <= texts.BODY_ROOM and body.endswith(texts.ELLIPSIS)
    assert body.startswith("时间：1月1日 周五 09:00–11:00\n地点：社区活动室\n说明（带什么等）：注意注意")


def test_a_reminder_without_a_description_says_time_and_place_only():
    title, body = texts.reminder(facts(description="  \n "), pending=True, seats=2)
    assert title == "明天 09:00：周末清洁家园"
    assert body.split("\n") == ["时间：1月1日 周五 09:00–11:00", "地点：社区活动室", "你报了2人（含同行家人）",
                                "你的报名还在等队长审核，通过后才算报上"]


def test_the_digest_lists_buildings_and_dates_and_cuts_long_lists():
    visits = [texts.DueVisit(f"{n}号楼", date(2027, 1, n), overdue=n < 11) for n in range(1, 21)]
    title, body = texts.visits_digest(visits)
    assert title == "探访提醒：20户需要探访（10户已逾期）"
    assert body.startswith("已逾期10户：1号楼（1月1日）、2号楼（1月2日）")
    assert "8号楼（1月8日）等；本周应访10户：11号楼（1月11日）" in body and "9号楼" not in body
    assert len(body) <= texts.BODY_ROOM
    long_places = [texts.DueVisit("幸" * 40, date(2027, 1, 1), overdue=True)] * 20
    for asked_as in texts.CLOSINGS:  # the closing always fits whole, whoever is asked
        body = texts.visits_digest(long_places, asked_as=asked_as)[1]
        assert len(body) <= texts.BODY_ROOM and body.endswith(texts.CLOSINGS[asked_as])
