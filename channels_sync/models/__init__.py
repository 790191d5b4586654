from .channels import Channel, ChannelToken, ChannelWarehouse
from .inbound import InboundEvent
from .listings import Listing
from .outbox import OutboxMessage

__all__ = [
    "Channel",
    "ChannelToken",
    "ChannelWarehouse",
    "InboundEvent",
    "Listing",
    "OutboxMessage",
]
