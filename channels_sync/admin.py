from django.contrib import admin, messages

from channels_sync.models import (
    Channel,
    ChannelOrderUpdate,
    ChannelToken,
    ChannelWarehouse,
    InboundEvent,
    Listing,
    OutboxMessage,
)
from channels_sync.services import (
    channel_token_create,
    channel_token_revoke,
    outbox_message_retry,
)
from common.exceptions import DomainError
from common.types import Actor


class ChannelWarehouseInline(admin.TabularInline):
    model = ChannelWarehouse
    extra = 1


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "base_url",
        "safety_stock",
        "buffer_percent",
        "allows_split_shipments",
        "rate_limit_per_second",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["poll_cursor", "last_polled_at"]
    inlines = [ChannelWarehouseInline]


@admin.action(description="Revoke the selected tokens")
def revoke_tokens(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
    actor = Actor.for_user(request.user)
    for token_id in queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True):
        try:
            channel_token_revoke(token_id=token_id, actor=actor)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)


@admin.register(ChannelToken)
class ChannelTokenAdmin(admin.ModelAdmin):
    """Tokens are created through `channel_token_create` (audited); the key is shown once."""

    list_display = ["channel", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["channel"]
    readonly_fields = ["prefix", "key_hash", "last_used_at", "revoked_at"]
    actions = [revoke_tokens]

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ["channel", "name"]
        return ["channel", "name", "prefix", "key_hash", "last_used_at", "revoked_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            obj.save(update_fields=["name", "updated_at"])
            return
        token, key = channel_token_create(
            channel_id=obj.channel_id, name=obj.name, actor=Actor.for_user(request.user)
        )
        obj.pk = token.pk
        obj.__dict__.update({f.attname: getattr(token, f.attname) for f in token._meta.fields})
        self.message_user(
            request,
            f"Token created. Copy the key now, it is not shown again: {key}",
            messages.WARNING,
        )


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = [
        "channel",
        "product",
        "channel_sku",
        "external_product_id",
        "external_variant_id",
        "external_inventory_item_id",
        "last_pushed_quantity",
        "last_pushed_at",
        "is_active",
    ]
    list_filter = ["channel", "is_active"]
    search_fields = ["channel_sku", "product__sku", "external_variant_id", "external_product_id"]
    raw_id_fields = ["product"]
    readonly_fields = ["last_pushed_quantity", "last_pushed_version", "last_pushed_at"]


@admin.action(description="Retry the selected dead messages")
def retry_dead(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
    actor = Actor.for_user(request.user)
    done = 0
    for message_id in queryset.filter(dead_at__isnull=False).values_list("pk", flat=True):
        try:
            outbox_message_retry(message_id=message_id, actor=actor)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
    modeladmin.message_user(request, f"{done} message(s) queued again.", messages.SUCCESS)


class DeadFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("dead", "Dead"), ("pending", "Pending")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        from django.db.models import F

        if self.value() == "dead":
            return queryset.filter(dead_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(dead_at__isnull=True, version__gt=F("sent_version"))
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "channel",
        "topic",
        "key",
        "version",
        "sent_version",
        "attempts",
        "next_attempt_at",
        "last_sent_at",
        "dead_at",
    ]
    list_filter = [DeadFilter, "channel", "topic"]
    search_fields = ["key", "last_error"]
    actions = [retry_dead]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "channel",
        "source",
        "topic",
        "external_order_id",
        "status",
        "order_id",
    ]
    list_filter = ["channel", "source", "status"]
    search_fields = ["external_order_id", "dedupe_key"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ChannelOrderUpdate)
class ChannelOrderUpdateAdmin(admin.ModelAdmin):
    """Every state of every channel order, newest first: applied, superseded, older, or
    pending (an update that waits for its order's create)."""

    list_display = [
        "received_at",
        "channel",
        "external_order_id",
        "version",
        "topic",
        "status",
        "early",
        "order_id",
    ]
    list_filter = ["channel", "status", "early"]
    search_fields = ["external_order_id"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
