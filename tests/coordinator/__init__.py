"""Tests of the coordinator and the event-stream listener."""
