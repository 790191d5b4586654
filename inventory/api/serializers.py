from rest_framework import serializers

from inventory.models import InventoryBalance, Product, StockLevel, StockMovement


class ProductSerializer(serializers.ModelSerializer):
    barcodes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "barcodes",
            "weight_g",
            "length_mm",
            "width_mm",
            "height_mm",
            "abc_class",
            "is_lot_tracked",
            "is_expiry_tracked",
            "is_active",
        ]


class BalanceSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    warehouse = serializers.CharField(source="warehouse.code")
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = InventoryBalance
        fields = [
            "sku",
            "warehouse",
            "on_hand",
            "committed",
            "unavailable",
            "incoming",
            "available",
            "version",
        ]


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    bin = serializers.CharField(source="bin.code")
    warehouse = serializers.CharField(source="warehouse.code")

    class Meta:
        model = StockLevel
        fields = ["id", "sku", "warehouse", "bin", "lot", "expiry_date", "on_hand", "reserved"]


class MovementSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    from_bin = serializers.CharField(source="from_bin.code", default=None)
    to_bin = serializers.CharField(source="to_bin.code", default=None)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "sku",
            "lot",
            "from_bin",
            "to_bin",
            "quantity",
            "reason",
            "document_type",
            "document_ref",
            "note",
            "actor",
            "created_at",
        ]
