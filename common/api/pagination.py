from rest_framework.pagination import CursorPagination, LimitOffsetPagination


class DefaultPagination(LimitOffsetPagination):
    """Limit/offset for reference data, capped."""

    default_limit = 50
    max_limit = 500


class CreatedCursorPagination(CursorPagination):
    """Cursor pagination for high-volume feeds: stable under inserts, O(1) per page."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
