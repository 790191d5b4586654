"""The order page shows the money as the channel charged it (issue 11 item 1)."""

import pytest

from orders import services as orders_services
from tests.orders import builders as b

pytestmark = pytest.mark.django_db


def test_order_page_shows_the_breakdown_with_the_currencys_decimals(cs):
    # given a dinar order with a discount, a shipping line, a tax line and a gift card
    wh = b.warehouse("WH1")
    shop = b.channel(wh, code="web")
    b.stock(b.product("SKU-1"), wh, 5)
    data = b.payload([], currency="KWD")
    data.update(
        lines=[
            {
                "sku": "SKU-1",
                "quantity": 2,
                "unit_price": "4.750",
                "discount_allocations": [{"amount": "0.500", "code": "EID5"}],
                "tax_lines": [{"title": "Levy", "rate": "0.01", "amount": "0.090"}],
            },
            {
                "sku": "",
                "name": "Gift card",
                "kind": "gift_card",
                "requires_shipping": False,
                "quantity": 1,
                "unit_price": "5.000",
            },
        ],
        shipping_lines=[{"title": "Aramex", "price": "1.250"}],
    )
    order, _ = orders_services.order_capture(channel_id=shop.pk, data=data, actor=b.SYSTEM)

    # when customer service opens it
    page = cs.get(f"/orders/{order.number}/").content.decode()

    # then every part is shown in fils, the gift card as a line that is not shipped
    for text in ("9.500", "0.500", "EID5", "Levy", "0.090", "Aramex", "1.250", "15.340 KWD"):
        assert text in page, text
    assert "Gift card, no shipping" in page
    assert "Unknown SKU" not in page
