from .channels import Channel, ChannelToken, ChannelWarehouse
from .inbound import ChannelOrderUpdate, InboundEvent
from .listings import Listing
from .outbox import OutboxMessage

__all__ = [
    "Channel",
    "ChannelOrderUpdate",
    "ChannelToken",
    "ChannelWarehouse",
    "InboundEvent",
    "Listing",
    "OutboxMessage",
]
