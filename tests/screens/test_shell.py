"""Role homes, menus, sign-in and the role gates of the screens."""

import pytest
from django.test import Client

from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.warehouse import BinFactory, WarehouseFactory
from tests.screens.pdf import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "role", "home"),
    [
        ("ops admin", roles.OPS_ADMIN, "/dashboard/"),
        ("ops manager", roles.OPS_MANAGER, "/dashboard/"),
        ("customer service", roles.CUSTOMER_SERVICE, "/orders/"),
        ("supervisor", roles.WAREHOUSE_SUPERVISOR, "/warehouse/"),
        ("operator", roles.WAREHOUSE_OPERATOR, "/warehouse/"),
    ],
)
def test_root_sends_each_role_to_its_home(client, _case, role, home):
    # given
    client.force_login(UserFactory(username="u", roles=[role]))
    # when
    response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"] == home


def test_user_without_role_is_told_so(client):
    client.force_login(UserFactory(username="nobody"))
    response = client.get("/")
    assert response.status_code == 200
    assert b"no role yet" in response.content


def test_anonymous_is_sent_to_sign_in():
    response = Client().get("/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/orders/")


def test_sign_in_page_has_labelled_fields_and_signs_in():
    # given
    UserFactory(username="agent", roles=[roles.CUSTOMER_SERVICE])
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    # when
    response = client.post("/accounts/login/", {"username": "agent", "password": "pass-12345"})
    # then
    assert response.status_code == 302
    assert client.get("/")["Location"] == "/orders/"


@pytest.mark.parametrize(
    ("_case", "fixture", "url", "status"),
    [
        ("warehouse staff cannot read customer orders", "operator", "/orders/", 403),
        ("supervisor cannot read customer orders", "supervisor", "/orders/", 403),
        ("warehouse staff has no ops dashboard", "operator", "/dashboard/", 403),
        ("customer service has no warehouse screens", "cs", "/warehouse/", 403),
        ("customer service has no ops dashboard", "cs", "/dashboard/", 403),
        ("operator cannot print bin labels", "operator", "/warehouse/labels/", 403),
        ("supervisor prints bin labels", "supervisor", "/warehouse/labels/", 200),
        ("ops may open warehouse screens", "ops", "/warehouse/", 200),
    ],
)
def test_role_gates(request, _case, fixture, url, status):
    WarehouseFactory(code="WH1")
    client = request.getfixturevalue(fixture)
    assert client.get(url).status_code == status


def test_menu_shows_only_the_roles_entries(operator, ops):
    WarehouseFactory(code="WH1")
    operator_page = operator.get("/warehouse/").content.decode()
    assert ">Tasks<" in operator_page
    assert ">Dashboard<" not in operator_page
    assert ">Orders<" not in operator_page
    assert ">Admin<" not in operator_page
    ops_page = ops.get("/dashboard/").content.decode()
    assert ">Dashboard<" in ops_page
    assert ">Admin<" in ops_page
    assert ">Orders<" in ops_page


def test_bin_labels_pdf_has_one_code128_label_per_bin(supervisor):
    # given
    wh = WarehouseFactory(code="WH1")
    for code in ("A-01-01", "A-01-02", "B-01-01"):
        BinFactory(warehouse=wh, code=code)
    # when
    response = supervisor.get("/warehouse/labels/bins.pdf", {"warehouse": wh.pk, "prefix": "A-"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    codes = [line for line in pdf_text(pdf).splitlines() if line.startswith(("A-", "B-"))]
    assert codes == ["A-01-01", "A-01-02"]


def test_bin_labels_pdf_runs_to_a_second_sheet_after_16_labels(supervisor):
    wh = WarehouseFactory(code="WH1")
    for n in range(17):
        BinFactory(warehouse=wh, code=f"C-{n:02d}")
    response = supervisor.get("/warehouse/labels/bins.pdf", {"warehouse": wh.pk})
    assert pdf_pages(response.content) == 2


def test_bin_labels_pdf_without_warehouse_is_a_clear_400(supervisor):
    response = supervisor.get("/warehouse/labels/bins.pdf")
    assert response.status_code == 400
    assert b"Choose a warehouse" in response.content
