"""Admin: per-channel notification settings (editable) and the notifications (read-only)."""

from django.contrib import admin, messages

from common.exceptions import DomainError
from common.types import Actor
from notifications import services
from notifications.models import ChannelNotificationSettings, Notification


@admin.register(ChannelNotificationSettings)
class ChannelNotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("channel", "channel_notifies_buyers", "template_set", "from_email")
    list_filter = ("channel_notifies_buyers",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("event_key", "kind", "status", "recipient", "attempts", "updated_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("event_key", "recipient", "message_id", "order__number")
    actions = ["resend"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again (parked or in doubt)")
    def resend(self, request, queryset):
        for notification in queryset:
            try:
                services.notification_resend(
                    notification_id=notification.pk, actor=Actor.for_user(request.user)
                )
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
