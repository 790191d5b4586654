import factory

from channels_sync.models import Channel, ChannelToken, ChannelWarehouse


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"shop{n}")
    name = factory.LazyAttribute(lambda c: f"Shop {c.code}")
    kind = "custom"
    webhook_secret = "whsec-test"


def channel_with_warehouses(*warehouses, **kwargs) -> Channel:
    channel = ChannelFactory(**kwargs)
    for priority, warehouse in enumerate(warehouses, start=1):
        ChannelWarehouse.objects.get_or_create(
            channel=channel, warehouse=warehouse, defaults={"priority": priority}
        )
    return channel


def channel_token(channel: Channel) -> str:
    """Create a token for the channel and return the raw key (as an API client would hold it)."""
    key = ChannelToken.generate_key()
    ChannelToken.objects.create(
        channel=channel, prefix=key[:10], key_hash=ChannelToken.hash_key(key)
    )
    return key
