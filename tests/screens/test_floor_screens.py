"""Receive, putaway, move, count, wave and pick-list screens through the Django test client."""

import pytest

from tests.screens import scenarios
from tests.screens.pdf import pdf_text
from tests.warehouse.builders import SYSTEM, bin_of, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import CycleCount, PickList, Task, Wave
from warehouse.services.counts import cycle_count_create
from warehouse.services.receiving import inbound_create

pytestmark = pytest.mark.django_db


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.fixture
def wh():
    return make_warehouse()


def test_receive_then_put_away_from_the_task_list(operator, wh):
    # given
    tee = product("TEE", barcode="4000000000017")
    asn = inbound_create(
        warehouse_id=wh.pk, number="ASN-1", lines=[{"sku": "TEE", "quantity": 5}], actor=SYSTEM
    )
    assert [s.pk for s in operator.get("/warehouse/receive/").context["shipments"]] == [asn.pk]
    # when: received by scan
    page = operator.post(
        f"/warehouse/receive/{asn.pk}/",
        {"code": "4000000000017", "quantity": "5", "scan_id": "r1"},
        follow=True,
    )
    # then
    assert _messages(page)[0][0] == "success"
    assert page.context["lines"][0].quantity_received == 5
    task = Task.objects.get(kind="putaway")
    home = operator.get("/warehouse/").content.decode()
    assert f"/warehouse/putaway/{task.pk}/" in home
    # when: put away into the suggested bin
    suggested = task.to_bin.code
    operator.post(f"/warehouse/putaway/{task.pk}/", {"bin": suggested, "scan_id": "p1"})
    # then
    task.refresh_from_db()
    assert task.status == "done"
    assert on_hand(tee, bin_of(wh, suggested)) == 5


def test_receiving_an_unknown_code_says_so(operator, wh):
    asn = inbound_create(warehouse_id=wh.pk, number="ASN-2", lines=[], actor=SYSTEM)
    page = operator.post(
        f"/warehouse/receive/{asn.pk}/", {"code": "NOPE", "quantity": "1"}, follow=True
    )
    assert _messages(page) == [("error", "No item has the code 'NOPE'.")]


def test_move_by_scan(operator, wh):
    tee = product("TEE")
    stocked(tee, bin_of(wh, "A-01-01-2"), 10)
    page = operator.post(
        "/warehouse/move/",
        {
            "from_bin": "A-01-01-2",
            "item": "TEE",
            "quantity": "4",
            "to_bin": "A-02-01-2",
            "scan_id": "m1",
        },
        follow=True,
    )
    assert _messages(page)[0][0] == "success"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 6
    assert on_hand(tee, bin_of(wh, "A-02-01-2")) == 4


def test_blind_count_is_noted_then_submitted(operator, wh):
    tee = product("TEE", barcode="0001")
    stocked(tee, bin_of(wh, "A-01-01-2"), 10)
    count = cycle_count_create(bin_id=bin_of(wh, "A-01-01-2").pk, actor=SYSTEM)
    listed = operator.get("/warehouse/count/").context["counts"]
    assert [c.pk for c in listed] == [count.pk]
    url = f"/warehouse/count/{count.pk}/"
    operator.post(url, {"action": "add", "code": "0001", "quantity": "6"})
    page = operator.post(url, {"action": "add", "code": "0001", "quantity": "4"}, follow=True)
    assert [(e["code"], e["quantity"]) for e in page.context["counted"]] == [
        ("0001", 6),
        ("0001", 4),
    ]
    assert "expected" not in page.content.decode().lower()  # blind: no expected quantity shown
    operator.post(url, {"action": "submit", "scan_id": "c1"})
    count.refresh_from_db()
    assert count.status == "applied"


def test_supervisor_plans_and_releases_a_wave_and_prints_the_pick_list(supervisor, operator):
    floor = scenarios.released_batch()  # already waved; add one more order for a new wave
    scenarios.order(floor.channel, [("MUG", 1)])
    page = supervisor.post("/warehouse/waves/", follow=True)
    wave = Wave.objects.exclude(pk=floor.wave.pk).get()
    assert wave.status == "released"
    assert _messages(page)[0][0] == "success"
    pick_list = PickList.objects.get(wave=wave)
    pdf = operator.get(f"/warehouse/pick/{pick_list.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert f"Pick list {pick_list.number}" in text
    assert "A-02-01-1" in text
    assert "MUG" in text


def test_operator_cannot_create_waves(operator, wh):
    assert operator.post("/warehouse/waves/").status_code == 403
    assert not Wave.objects.exists()


def test_receive_list_query_count_is_bounded(operator, wh, django_assert_max_num_queries):
    product("TEE")
    for n in range(3):
        inbound_create(
            warehouse_id=wh.pk,
            number=f"ASN-{n}",
            lines=[{"sku": "TEE", "quantity": 1}],
            actor=SYSTEM,
        )
    with django_assert_max_num_queries(12) as few:
        operator.get("/warehouse/receive/")
    for n in range(3, 15):
        inbound_create(
            warehouse_id=wh.pk,
            number=f"ASN-{n}",
            lines=[{"sku": "TEE", "quantity": 1}],
            actor=SYSTEM,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = operator.get("/warehouse/receive/")
    assert len(response.context["shipments"]) == 15


def test_task_list_query_count_is_bounded(operator, wh, django_assert_max_num_queries):
    for n in range(3):
        cycle_count_create(bin_id=bin_of(wh, f"A-01-0{n + 1}-2").pk, actor=SYSTEM)
    with django_assert_max_num_queries(12) as few:
        operator.get("/warehouse/")
    for n in range(1, 6):
        cycle_count_create(bin_id=bin_of(wh, f"A-02-0{n}-2").pk, actor=SYSTEM)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = operator.get("/warehouse/")
    assert len(response.context["tasks"]) == CycleCount.objects.count() == 8


def test_supervisor_sees_each_pick_lists_route_against_s_shape_and_best_known(supervisor, operator):
    # given a released wave
    floor = scenarios.released_batch()
    pick_list = PickList.objects.get(wave=floor.wave)
    # when the supervisor opens the wave routes screen
    page = supervisor.get("/warehouse/waves/routes/")
    # then each pick list shows its route, S-shape, saving and best-known length
    assert page.status_code == 200
    assert [w.pk for w in page.context["waves"]] == [floor.wave.pk]
    row = page.content.decode().split(f'data-testid="route-{pick_list.number}"')[1]
    row = row.split("</li>")[0]
    assert f"Route {pick_list.route_length_m:.1f} m" in row
    assert f"S-shape {pick_list.sshape_length_m:.1f} m" in row
    assert f"{pick_list.saving_vs_sshape_pct:.1f} % shorter" in row
    assert f"best known {pick_list.best_known_length_m:.1f} m" in row
    assert "optimal" in row
    assert pick_list.route_method in row
    # and the home page links to it; operators may not see it
    assert "/warehouse/waves/routes/" in supervisor.get("/warehouse/").content.decode()
    assert operator.get("/warehouse/waves/routes/").status_code == 403
