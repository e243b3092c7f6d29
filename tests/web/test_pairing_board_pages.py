"""The board lists 50 rows a page; its counts and the list titles stay whole."""
import re

from tests import factories as f
from tests.perf.test_pairing_query_counts import build

from .helpers import HX, text


def test_board_pages_keep_the_counts_whole(app):
    world = build(120)
    client = f.logged_in(app, world["staff"])
    pages = [text(client.get(f"/board?page={number}", headers=HX)) for number in (1, 2, 3)]
    rows = [len(re.findall(r'<li class="board-row', body)) for body in pages]
    assert rows == [50, 50, 20]
    assert all("全部结对（120户）" in body and "第 " in body for body in pages)
    ids = [set(re.findall(r'data-household="(\d+)"', body)) for body in pages]
    assert not (ids[0] & ids[1]) and len(ids[0] | ids[1] | ids[2]) == 120  # every household once
    counts = [re.findall(r'<span class="count-number">(\d+)</span>', body) for body in pages]
    assert counts[0] == counts[1] == counts[2]
    beyond = text(client.get("/board?page=99", headers=HX))
    assert len(re.findall(r'<li class="board-row', beyond)) == 20  # past the end: the last page
    assert client.get("/board?page=abc").status_code == 200
