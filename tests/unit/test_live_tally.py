"""The live counts in memory (web/live_tally.py): a vote counts once however often it is
heard, the newest vote of a voter wins, the database seed never counts twice; presence by
attendance row; pushes coalesced to one per interval, the last change always pushed."""

from __future__ import annotations

from collections.abc import Callable

from podium.web.live_tally import Coalescer, PollTally, PresenceTally

QUESTIONS = {"Mood?": ("Good", "Bad"), "Topics?": ("A", "B", "C")}


def test_votes_are_counted_and_a_new_vote_replaces_the_last() -> None:
    tally = PollTally()
    tally.seed(QUESTIONS, False, [])

    assert tally.vote("ann@x.io", {"Mood?": ["Good"], "Topics?": ["A", "C"]}, 1.0)
    assert tally.vote("bob@x.io", {"Mood?": ["Good"]}, 2.0)
    assert tally.vote("ann@x.io", {"Mood?": ["Bad"], "Topics?": ["B"]}, 3.0)
    assert tally.vote("bob@x.io", {"Mood?": ["Good"]}, 2.0)  # heard twice: counted once
    assert not tally.vote("bob@x.io", {"Mood?": ["Bad"]}, 1.5)  # older than the one counted

    assert tally.results() == {
        "Mood?": {"Good": 1, "Bad": 1},
        "Topics?": {"A": 0, "B": 1, "C": 0},
    }


def test_the_seed_adds_what_the_database_holds_without_counting_twice() -> None:
    tally = PollTally()
    assert not tally.ready
    tally.vote("ann@x.io", {"Mood?": ["Bad"]}, 5.0)  # heard live before the seed came
    tally.vote("cy@x.io", {"Mood?": ["Good"]}, 6.0)

    tally.seed(
        QUESTIONS,
        True,
        [
            ("ann@x.io", "Mood?", "Good", 4.0),  # an earlier vote of ann's: replaced
            ("bob@x.io", "Mood?", "Good", 3.0),  # before this process heard anything
            ("bob@x.io", "Topics?", "A;B", 3.0),
            ("cy@x.io", "Mood?", "Good", 6.0),  # the same vote, heard and read: once
        ],
    )

    assert (tally.ready, tally.shared) == (True, True)
    assert tally.results() == {
        "Mood?": {"Good": 2, "Bad": 1},
        "Topics?": {"A": 1, "B": 1, "C": 0},
    }


def test_presence_counts_open_rows_once_and_a_late_seed_keeps_leavers_out() -> None:
    tally = PresenceTally("uuid-1")
    tally.joined(10)
    tally.joined(11)
    tally.joined(11)  # heard twice
    tally.left(10)

    tally.seed([9, 10, 11])  # read before row 10 closed

    assert (tally.seeded, tally.present, tally.open) == (True, 2, {9, 11})


class Turns:
    """A fake event loop: scheduled callbacks and a clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0
        self.due: list[tuple[float, Callable[[], None]]] = []

    def schedule(self, delay: float, callback: Callable[[], None]) -> None:
        self.due.append((self.now + delay, callback))

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while ready := sorted((d for d in self.due if d[0] <= end), key=lambda d: d[0]):
            self.due.remove(ready[0])
            self.now = max(self.now, ready[0][0])
            ready[0][1]()
        self.now = end


def test_pushes_are_coalesced_and_the_last_change_always_goes() -> None:
    turns, pushed = Turns(), []
    counts = {"poll": 0}

    def push(key: str) -> None:
        pushed.append((turns.now, key, counts[key]))

    coalescer = Coalescer(push, turns.schedule, lambda: turns.now, interval=0.25)

    counts["poll"] = 1
    coalescer.changed("poll")  # quiet until now: on the next turn
    turns.advance(0)
    for n in range(2, 1001):  # a thousand votes within the interval: one push at its end
        counts["poll"] = n
        coalescer.changed("poll")
        turns.advance(0.0001)
    turns.advance(0.25)
    turns.advance(1.0)  # nothing more changed: nothing more pushed

    assert [(round(at, 6), key, count) for at, key, count in pushed] == [
        (0.0, "poll", 1),
        (0.25, "poll", 1000),
    ]


def test_a_change_of_state_is_pushed_at_once() -> None:
    turns, pushed = Turns(), list[str]()
    coalescer = Coalescer(pushed.append, turns.schedule, lambda: turns.now, interval=0.25)
    coalescer.changed("poll")
    turns.advance(0)
    coalescer.changed("poll")  # a count: waits for the interval
    coalescer.changed("poll", at_once=True)  # shared: now
    turns.advance(0)
    turns.advance(0.3)

    assert pushed == ["poll", "poll"]
