"""Warehouse writes. Modules: layout (bins), bins (block/unblock), and the WMS flows."""
