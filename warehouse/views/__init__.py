"""Warehouse screens: task list, scanner screens (receive, putaway, pick, pack, move, count), labels.

Built for a 360-px phone or a handheld scanner acting as a keyboard: one focused input, Enter
submits, POST-redirect-GET, the next expected scan always on screen.
"""
