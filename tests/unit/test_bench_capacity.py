"""The write-unit model of bench/store_costs.py follows DynamoDB's documented sizing and index rules."""

from bench.capacity import Index, Table, Write, cost, item_size, number_size, value_size

TABLE = Table(
    keys=("pk", "sk"),
    indexes=(
        Index("queue", ("pending", "at"), None),  # ALL
        Index("open", ("open", "at"), frozenset({"pk", "sk", "open", "at"})),  # KEYS_ONLY
    ),
)


def item(**attrs) -> dict:
    return {"pk": {"S": "C#1"}, "sk": {"S": "C"}} | {k: {"S": v} for k, v in attrs.items()}


def write(before, after, op="Update", transactional=False) -> Write:
    return Write("t", TABLE, {"pk": {"S": "C#1"}, "sk": {"S": "C"}}, op, transactional, before=before, after=after)


def test_sizes_follow_the_documented_rules():
    assert value_size({"S": "बिजली"}) == 15  # UTF-8 bytes
    assert number_size("123") == 3 and number_size("-0.00120") == 2 and number_size("1E+3") == 2
    assert value_size({"BOOL": True}) == value_size({"NULL": True}) == 1
    assert value_size({"L": []}) == value_size({"M": {}}) == 3
    assert value_size({"M": {"ab": {"S": "xyz"}}}) == 3 + 2 + 3 + 1
    assert value_size({"L": [{"S": "a"}, {"N": "7"}]}) == 3 + (1 + 1) + (2 + 1)
    assert item_size({"name": {"S": "abc"}}) == 7


def test_a_write_costs_the_larger_item_per_kb_and_twice_in_a_transaction():
    small, large = item(note="x"), item(note="x" * 2500)
    assert cost(write(large, small), failed=False)[("table", "C")] == 3
    assert cost(write(small, large, transactional=True), failed=False)[("table", "C")] == 6
    assert cost(write(None, None, op="Delete"), failed=False)[("table", "C")] == 1


def test_index_writes_enter_leave_move_and_change():
    waiting = item(pending="Y", at="1", note="a")
    assert cost(write(None, waiting, op="Put"), False)[("index", "queue")] == 1  # enters
    assert cost(write(waiting, item(at="1", note="a")), False)[("index", "queue")] == 1  # leaves
    assert cost(write(waiting, item(pending="Y", at="2", note="a")), False)[("index", "queue")] == 2  # key moves
    assert cost(write(waiting, item(pending="Y", at="1", note="b")), False)[("index", "queue")] == 1  # projected change
    assert ("index", "queue") not in cost(write(waiting, waiting), False)
    opened = item(open="Y", at="1", note="a")
    assert ("index", "open") not in cost(write(opened, item(open="Y", at="1", note="b")), False)  # keys only


def test_a_refused_write_costs_the_item_once_and_nothing_in_the_indexes():
    waiting = item(pending="Y", at="1", note="x" * 1500)
    spent = cost(write(waiting, waiting, transactional=True), failed=True)
    assert spent == {("table", "C"): 2}
