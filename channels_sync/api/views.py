from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from channels_sync import selectors
from channels_sync.api.serializers import OutboxMessageSerializer, SyncHealthSerializer
from channels_sync.exceptions import ChannelNotFound
from channels_sync.services import outbox_message_retry
from common.api.permissions import IsOps
from common.api.serializers import error_responses
from common.types import Actor


class SyncHealthListApi(APIView):
    permission_classes = [IsOps]

    @extend_schema(
        operation_id="channels_sync_health_list",
        summary="Sync health of every channel",
        responses={200: SyncHealthSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request) -> Response:  # type: ignore[no-untyped-def]
        return Response(SyncHealthSerializer(selectors.sync_health(), many=True).data)


class SyncHealthDetailApi(APIView):
    permission_classes = [IsOps]

    @extend_schema(
        operation_id="channels_sync_health_detail",
        summary="Sync health of one channel",
        responses={200: SyncHealthSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, channel_code: str) -> Response:  # type: ignore[no-untyped-def]
        channel = selectors.channel_get_by_code(code=channel_code)
        if channel is None:
            raise ChannelNotFound(f"No active channel {channel_code!r}.")
        (health,) = selectors.sync_health(channel_ids=[channel.pk])
        return Response(SyncHealthSerializer(health).data)


class OutboxMessageRetryApi(APIView):
    permission_classes = [IsOps]

    @extend_schema(
        operation_id="channels_outbox_message_retry",
        summary="Retry a dead outbox message",
        request=None,
        responses={200: OutboxMessageSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request, message_id: int) -> Response:  # type: ignore[no-untyped-def]
        message = outbox_message_retry(message_id=message_id, actor=Actor.for_user(request.user))
        return Response(OutboxMessageSerializer(message).data)
