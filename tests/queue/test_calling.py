"""Calling: order and priority policies, recall, skip and the missed list, transfer, pause."""

from __future__ import annotations

import pytest

from motcua.core.queue import QueueError, TicketCounts


def numbers(engine, counter: str, n: int) -> list[str]:
    out = []
    for _ in range(n):
        t = engine.call_next(counter)
        out.append(t.number if t else None)
    return out


def test_call_next_when_nobody_waits(engine, events) -> None:
    assert engine.call_next("quay-1") is None
    assert [e.kind for e in events] == []


def test_call_next_calls_oldest_of_its_fields(engine, events, clock) -> None:
    engine.issue("chung-thuc")
    clock.advance(seconds=1)
    engine.issue("ho-tich")
    engine.issue("dat-dai")  # quay-1 does not serve Đất đai
    t = engine.call_next("quay-1", officer_id=None, actor="officer:an")
    assert (t.number, t.state, t.counter_id, t.call_count) == ("2001", "called", "quay-1", 1)
    ev = events[-1]
    assert ev.kind == "ticket.called" and ev.actor == "officer:an"
    assert ev.data["counter_number"] == 1 and ev.data["number"] == "2001"
    # calling next finishes the current ticket first
    t2 = engine.call_next("quay-1")
    assert t2.number == "1001"
    assert engine.ticket(t.id).state == "done"
    assert [e.kind for e in events[-2:]] == ["ticket.finished", "ticket.called"]
    assert engine.call_next("quay-1") is None


def test_field_order(make_engine, make_config, clock) -> None:
    engine = make_engine(make_config(queue={"call_order": "field_order"}))
    engine.issue("chung-thuc")
    clock.advance(seconds=1)
    engine.issue("ho-tich")
    # quay-1 serves ho-tich first, quay-2 chung-thuc first
    assert engine.call_next("quay-1").number == "1001"
    assert engine.call_next("quay-2").number == "2001"


def test_strict_priority(make_engine, make_config, clock) -> None:
    engine = make_engine(make_config(queue={"priority_policy": "strict"}))
    for _i in range(3):
        engine.issue("dat-dai")
        clock.advance(seconds=1)
    engine.issue("dat-dai", priority=True)
    assert numbers(engine, "quay-3", 5) == ["3004", "3001", "3002", "3003", None]


def test_one_priority_after_every_n_normal(make_engine, make_config, clock) -> None:
    engine = make_engine(make_config(queue={"priority_policy": "every_n", "priority_every": 2}))
    for _i in range(5):
        engine.issue("dat-dai")
        clock.advance(seconds=1)
    for _i in range(3):
        engine.issue("dat-dai", priority=True)
        clock.advance(seconds=1)
    # normal 3001..3005, priority 3006..3008
    got = numbers(engine, "quay-3", 9)
    assert got == ["3001", "3002", "3006", "3003", "3004", "3007", "3005", "3008", None]


def test_priority_served_when_no_normal_waits(make_engine, make_config) -> None:
    engine = make_engine(make_config(queue={"priority_policy": "every_n", "priority_every": 5}))
    engine.issue("dat-dai", priority=True)
    assert engine.call_next("quay-3").number == "3001"


def test_recall_counts_calls(engine, events) -> None:
    engine.issue("dat-dai")
    engine.call_next("quay-3")
    t = engine.recall("quay-3")
    assert t.call_count == 2 and t.state == "called"
    assert events[-1].kind == "ticket.recalled" and events[-1].data["call_count"] == 2


def test_no_current_ticket(engine) -> None:
    for op in (engine.recall, engine.skip, engine.finish):
        with pytest.raises(QueueError) as info:
            op("quay-3")
        assert info.value.code == "no_current_ticket"
    with pytest.raises(QueueError) as info:
        engine.transfer("quay-3", field_id="ho-tich")
    assert info.value.code == "no_current_ticket"


def test_unknown_counter(engine) -> None:
    with pytest.raises(QueueError) as info:
        engine.call_next("quay-99")
    assert info.value.code == "unknown_counter"


def test_skip_needs_enough_calls_then_goes_to_missed_list(engine, events) -> None:
    t, _ = engine.issue("dat-dai")
    engine.issue("dat-dai")
    engine.call_next("quay-3")
    with pytest.raises(QueueError) as info:
        engine.skip("quay-3")  # calls_before_skip = 2 in the demo config
    assert info.value.code == "too_early" and "2 lần" in info.value.message
    engine.recall("quay-3")
    skipped = engine.skip("quay-3")
    assert skipped.state == "skipped" and events[-1].kind == "ticket.skipped"
    assert [m.number for m in engine.missed("quay-3")] == ["3001"]
    assert engine.missed("quay-1") == []  # quay-1 does not serve Đất đai
    assert engine.call_next("quay-3").number == "3002"
    # the citizen comes back: called again from the missed list
    again = engine.call_missed("quay-3", t.id)
    assert again.state == "called" and again.number == "3001" and again.call_count == 3
    assert engine.ticket(again.id).counter_id == "quay-3"
    assert engine.missed("quay-3") == []
    with pytest.raises(QueueError) as info:
        engine.call_missed("quay-3", t.id)
    assert info.value.code == "not_missed"


def test_call_missed_refuses_other_fields(engine) -> None:
    t, _ = engine.issue("dat-dai")
    engine.call_next("quay-3")
    engine.recall("quay-3")
    engine.skip("quay-3")
    with pytest.raises(QueueError):
        engine.call_missed("quay-1", t.id)


@pytest.mark.parametrize(("policy", "order"), [("by_issue_time", ["1001", "3001", "1002"]),
                                              ("first", ["3001", "1001", "1002"])])
def test_transfer_to_field_keeps_number_and_queues_as_configured(
        make_engine, make_config, events, clock, policy: str, order: list[str]) -> None:
    engine = make_engine(make_config(queue={"transferred": policy}))
    engine.issue("ho-tich")  # 1001 waits at quay-1/2/5
    clock.advance(seconds=1)
    t, _ = engine.issue("dat-dai")  # 3001
    clock.advance(seconds=1)
    engine.issue("ho-tich")  # 1002, taken after 3001
    engine.call_next("quay-3")
    clock.advance(minutes=3)
    moved = engine.transfer("quay-3", field_id="ho-tich", actor="officer:binh")
    assert (moved.number, moved.state, moved.field_id) == ("3001", "transferred", "ho-tich")
    ev = events[-1]
    assert ev.kind == "ticket.transferred"
    assert ev.data["to_service_id"] == "ho-tich" and ev.data["from_service_id"] == "dat-dai"
    assert engine.counters()[2].ticket is None  # quay-3 is free
    # by_issue_time: between 1001 and 1002, as its number was taken; first: ahead of both
    assert engine.ticket(t.id).waiting_before == order.index("3001")
    assert [engine.call_next("quay-1").number for _ in order] == order


@pytest.mark.parametrize("policy", ["by_issue_time", "first"])
def test_every_count_agrees_after_transfers_to_a_counter(make_engine, make_config, clock,
                                                         policy: str) -> None:
    """Two of three Hộ tịch tickets sent from Quầy 1 to Quầy 3 (which serves only Đất đai): they
    wait for Quầy 3 alone, and nobody else counts them."""
    engine = make_engine(make_config(queue={"transferred": policy}))
    engine.issue("dat-dai")  # 3001, waiting at Quầy 3 since before the others took a number
    clock.advance(seconds=1)
    for _ in range(3):
        engine.issue("ho-tich")  # 1001-1003
        clock.advance(seconds=1)
    for _ in range(2):
        engine.call_next("quay-1")
        engine.transfer("quay-1", to_counter_id="quay-3")
    waiting = {f.id: f.waiting for f in engine.fields()}
    assert waiting["ho-tich"] == 1  # 1003 alone waits for the field
    new, _ = engine.issue("ho-tich")
    assert new.waiting_before == 1  # only 1003 ahead: the two at Quầy 3 are not in this line
    assert engine.ticket(new.id).waiting_before == 1
    third = next(x for x in engine.waiting() if x.number == "1003")
    assert engine.ticket(third.id).waiting_before == 0
    second = next(x for x in engine.waiting() if x.number == "1002")
    assert engine.ticket(second.id).waiting_before == 1  # 1001 before it in Quầy 3's own line
    expected = ["1001", "1002", "3001"] if policy == "first" else ["3001", "1001", "1002"]
    called = [engine.call_next("quay-3") for _ in range(3)]
    assert [c.number for c in called] == expected
    assert all(c.call_count == 1 for c in called)  # calls counted afresh at the new counter


def test_transfer_to_counter_only_that_counter_calls_it(engine) -> None:
    engine.issue("ho-tich")  # 1001
    engine.issue("ho-tich")  # 1002
    engine.call_next("quay-1")
    engine.transfer("quay-1", to_counter_id="quay-2")
    # quay-5 also serves ho-tich but the ticket waits for quay-2 alone
    assert engine.call_next("quay-5").number == "1002"
    assert engine.call_next("quay-5") is None
    t = engine.call_next("quay-2")
    assert (t.number, t.counter_id, t.target_counter_id) == ("1001", "quay-2", None)


def test_transfer_to_counter_of_another_field(engine) -> None:
    engine.issue("ho-tich")
    engine.call_next("quay-1")
    engine.transfer("quay-1", to_counter_id="quay-3")  # quay-3 serves only Đất đai
    assert engine.call_next("quay-3").number == "1001"


def test_bad_transfers(engine) -> None:
    engine.issue("ho-tich")
    engine.call_next("quay-1")
    for kwargs in ({}, {"field_id": "ho-tich", "to_counter_id": "quay-2"},
                   {"to_counter_id": "quay-1"}):
        with pytest.raises(QueueError) as info:
            engine.transfer("quay-1", **kwargs)
        assert info.value.code == "bad_transfer"
    with pytest.raises(QueueError) as info:
        engine.transfer("quay-1", field_id="nope")
    assert info.value.code == "unknown_field"
    assert engine.counters()[0].ticket.number == "1001"  # nothing changed


def test_finish(engine, events, clock) -> None:
    engine.issue("dat-dai")
    engine.call_next("quay-3")
    clock.advance(minutes=4)
    t = engine.finish("quay-3")
    assert t.state == "done"
    assert (t.finished_at - t.called_at).total_seconds() == 240
    assert events[-1].kind == "ticket.finished"
    assert engine.counts_today() == TicketCounts(done=1)
    assert engine.counts_today("quay-3") == TicketCounts(done=1)


def test_pause_and_resume(engine, events) -> None:
    engine.pause("quay-3", "Đi họp", actor="officer:an")
    c = engine.counters()[2]
    assert c.paused and c.pause_reason == "Đi họp"
    assert events[-1].kind == "counter.paused" and events[-1].data["reason"] == "Đi họp"
    assert engine.resume("quay-3") is True
    assert events[-1].kind == "counter.resumed"
    assert engine.resume("quay-3") is False  # not paused: nothing happens
    assert events[-1].kind == "counter.resumed" and len(events) == 2
    assert not engine.counters()[2].paused


def test_call_next_resumes_a_paused_counter(engine, events) -> None:
    engine.issue("dat-dai")
    engine.pause("quay-3", "Nghỉ trưa")
    assert engine.call_next("quay-3").number == "3001"
    assert [e.kind for e in events[-2:]] == ["counter.resumed", "ticket.called"]
    assert not engine.counters()[2].paused


def test_call_next_with_nobody_waiting_still_finishes_the_ticket_and_resumes(engine, events) -> None:
    engine.issue("dat-dai")
    served = engine.call_next("quay-3")
    engine.pause("quay-3", "Nghỉ trưa")
    assert engine.call_next("quay-3") is None
    assert [e.kind for e in events[-2:]] == ["counter.resumed", "ticket.finished"]
    assert events[-1].data["number"] == served.number and events[-1].id > events[-2].id
    c = engine.counters()[2]
    assert not c.paused and c.pause_reason == "" and c.ticket is None
    assert engine.ticket(served.id).state == "done"
    assert engine.call_next("quay-3") is None
    assert events[-1].kind == "ticket.finished"  # nothing more to finish or resume


def test_counters_view_and_recent_calls(engine, clock) -> None:
    engine.issue("dat-dai")
    engine.issue("ho-tich")
    engine.sign_in("quay-3", None)
    engine.call_next("quay-3")
    clock.advance(seconds=5)
    engine.call_next("quay-1")
    view = {c.id: c for c in engine.counters()}
    assert view["quay-3"].ticket.number == "3001"
    assert view["quay-1"].ticket.number == "1001"
    assert view["quay-2"].ticket is None and view["quay-2"].number == 2
    assert [t.number for t in engine.recent_calls()] == ["1001", "3001"]
    assert engine.waiting() == []


def test_audit_log_records_everything_in_order(engine) -> None:
    engine.issue("dat-dai", actor="device:kiosk-1")
    engine.call_next("quay-3", actor="officer:an")
    engine.recall("quay-3", actor="officer:an")
    engine.finish("quay-3", actor="officer:an")
    log = engine.events_after(0)
    assert [(e.kind, e.actor) for e in log] == [
        ("ticket.issued", "device:kiosk-1"), ("ticket.called", "officer:an"),
        ("ticket.recalled", "officer:an"), ("ticket.finished", "officer:an")]
    ids = [e.id for e in log]
    assert ids == sorted(ids) and engine.last_event_id() == ids[-1]
    assert engine.events_after(ids[1]) == log[2:]


def test_publisher_failure_does_not_undo_the_change(db, config, clock) -> None:
    from motcua.core.queue import QueueEngine

    def broken(_event):
        raise RuntimeError("subscriber down")

    engine = QueueEngine(config, db, clock=clock, publish=broken)
    t, _ = engine.issue("dat-dai")
    assert engine.ticket(t.id).state == "waiting"


def test_failed_operation_publishes_nothing(engine, events) -> None:
    with pytest.raises(QueueError):
        engine.finish("quay-3")
    assert events == [] and engine.events_after(0) == []


def test_dossier_code_on_current_or_last_ticket(engine, events) -> None:
    engine.issue("dat-dai")
    t = engine.call_next("quay-3")
    assert engine.set_dossier("quay-3", " 000.00.12.H01-261125-0001 ").dossier_code == \
        "000.00.12.H01-261125-0001"
    assert events[-1].kind == "ticket.dossier"
    engine.finish("quay-3")
    after = engine.set_dossier("quay-3", "HS-2")  # just finished: still that ticket
    assert after.id == t.id and after.dossier_code == "HS-2"
    with pytest.raises(QueueError):
        engine.set_dossier("quay-1", "HS-3")
