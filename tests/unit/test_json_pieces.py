"""Long answers go out in pieces whose text is exactly the one-piece encoding."""

from __future__ import annotations

import copy
import json
from typing import Any

from podium.web.v1 import PIECE_ITEMS, encode_json, json_pieces, long_lists


def test_the_pieces_join_to_the_whole_encoding_and_let_go_of_each_item() -> None:
    body: dict[str, Any] = {
        "page_count": 1,
        "attendees": [{"email": f"p{n}@x.test", "name": 'Zoë "Z"'} for n in range(1234)],
        "empty": [],
        "joins": [[n, None, True] for n in range(PIECE_ITEMS + 1)],
    }
    whole = encode_json(copy.deepcopy(body))
    assert long_lists(body) is True

    pieces = list(json_pieces(body))

    assert "".join(pieces) == whole
    assert json.loads("".join(pieces))["attendees"][1233] == {
        "email": "p1233@x.test",
        "name": 'Zoë "Z"',
    }
    # 3 pieces of attendees, 2 of joins, and the closing text
    assert len(pieces) == 3 + 2 + 1
    assert body["attendees"] == [None] * 1234
    assert body["joins"] == [None] * (PIECE_ITEMS + 1)


def test_only_a_dict_with_a_list_longer_than_a_piece_is_sent_in_pieces() -> None:
    assert long_lists({"attendees": [{}] * (PIECE_ITEMS + 1)}) is True
    assert long_lists({"attendees": [{}] * PIECE_ITEMS}) is False
    assert long_lists({"page_count": 3, "topic": "x" * 100_000}) is False
    assert long_lists([[{}] * (PIECE_ITEMS + 1)]) is False
