from rest_framework import serializers


class SyncHealthSerializer(serializers.Serializer):
    channel_id = serializers.IntegerField()
    channel_code = serializers.CharField()
    backlog = serializers.IntegerField(help_text="Pending (unsent) outbox rows")
    oldest_unsent_at = serializers.DateTimeField(allow_null=True)
    oldest_unsent_age_seconds = serializers.FloatField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    failing = serializers.IntegerField(help_text="Pending rows that failed at least once")
    dead = serializers.IntegerField(help_text="Parked rows waiting for an ops retry")


class OutboxMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField(source="channel.code")
    topic = serializers.CharField()
    key = serializers.CharField()
    version = serializers.IntegerField()
    sent_version = serializers.IntegerField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    dead_at = serializers.DateTimeField(allow_null=True)
