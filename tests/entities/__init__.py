"""Tests of the entity layer: platforms, devices, controls and events."""
