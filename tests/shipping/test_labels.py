from datetime import date

from shipping.carriers.base import Address
from shipping.labels import LabelData, render_label_pdf, render_label_zpl
from shipping.labels.manifest import ManifestRow, render_manifest_csv, render_manifest_pdf

FROM = Address(name="East DC", line1="1 Dock Rd", city="Newark", postal_code="07101", country="US")
TO = Address(
    name="Ada Lovelace",
    line1="12 Analytical Row",
    city="Springfield",
    region="IL",
    postal_code="62701",
    country="US",
)


def _label(tracking="1Z0000000012345678", **kwargs):
    return LabelData(
        tracking_number=tracking,
        carrier_code="MOCK",
        carrier_name="Mock Parcel Co.",
        service="GROUND",
        ship_from=FROM,
        ship_to=TO,
        ship_date=date(2026, 11, 20),
        weight_g=1200,
        **kwargs,
    )


def test_pdf_label_is_a_4x6_pdf_with_the_tracking_number():
    # when
    pdf = render_label_pdf([_label()])

    # then
    assert pdf.startswith(b"%PDF-")
    assert b"1Z0000000012345678" in pdf
    assert b"/MediaBox [ 0 0 288 432 ]" in pdf  # 4×6 inch at 72 pt/inch
    assert b"SPRINGFIELD IL 62701" in pdf


def test_pdf_has_one_page_per_package():
    pdf = render_label_pdf(
        [_label(package_index=1, package_count=2), _label(package_index=2, package_count=2)]
    )

    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2
    assert b"PKG 2 OF 2" in pdf


def test_zpl_label_has_a_code128_barcode_of_the_tracking_number():
    # when
    zpl = render_label_zpl([_label()])

    # then
    assert zpl.startswith("^XA")
    assert zpl.rstrip().endswith("^XZ")
    assert "^BCN,220,N,N,N^FD1Z0000000012345678^FS" in zpl
    assert "^PW812" in zpl
    assert "^LL1218" in zpl
    assert "ADA LOVELACE" in zpl


def test_zpl_strips_control_characters_from_user_text():
    label = _label()
    evil = LabelData(**{**{f: getattr(label, f) for f in label.__slots__}, "reference": "^XZ~JA"})

    zpl = render_label_zpl([evil])

    assert zpl.count("^XZ") == 1
    assert "~JA" not in zpl


def test_manifest_csv_and_pdf():
    # given
    rows = [
        ManifestRow(
            "1ZA", "GROUND", "FR-1", 1, 1200, 300, 200, 150, "Ada", "Springfield", "62701", "US"
        ),
        ManifestRow(
            "1ZA", "GROUND", "FR-1", 2, 800, 200, 200, 100, "Ada", "Springfield", "62701", "US"
        ),
    ]

    # when
    csv_text = render_manifest_csv(rows)
    pdf = render_manifest_pdf(
        carrier_name="Mock",
        warehouse_code="WH1",
        ship_date=date(2026, 11, 20),
        manifest_ref="sf_1",
        rows=rows,
    )

    # then
    assert csv_text.splitlines()[0].startswith("tracking_number,service,reference,package,weight_g")
    assert csv_text.splitlines()[2] == "1ZA,GROUND,FR-1,2,800,200,200,100,Ada,Springfield,62701,US"
    assert pdf.startswith(b"%PDF-")
    assert b"1 shipments, 2 packages, 2.00 kg" in pdf
