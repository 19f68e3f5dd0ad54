"""Tests of the Unraid Management Agent integration."""
