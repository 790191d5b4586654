import django_filters

from common.api.filters import FilterSet
from warehouse.models import CycleCount, InboundShipment, PickList, Task, Wave


class TaskFilterSet(FilterSet):
    warehouse = django_filters.CharFilter(field_name="warehouse__code")
    assignee = django_filters.CharFilter(field_name="assignee__username")

    class Meta:
        model = Task
        fields = ["warehouse", "kind", "status", "assignee"]


class WaveFilterSet(FilterSet):
    warehouse = django_filters.CharFilter(field_name="warehouse__code")

    class Meta:
        model = Wave
        fields = ["warehouse", "status"]


class PickListFilterSet(FilterSet):
    warehouse = django_filters.CharFilter(field_name="wave__warehouse__code")

    class Meta:
        model = PickList
        fields = ["warehouse", "wave", "status"]


class InboundShipmentFilterSet(FilterSet):
    warehouse = django_filters.CharFilter(field_name="warehouse__code")

    class Meta:
        model = InboundShipment
        fields = ["warehouse", "status", "kind", "number"]


class CycleCountFilterSet(FilterSet):
    warehouse = django_filters.CharFilter(field_name="warehouse__code")
    bin = django_filters.CharFilter(field_name="bin__code")

    class Meta:
        model = CycleCount
        fields = ["warehouse", "status", "trigger", "bin"]
