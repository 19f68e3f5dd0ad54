"""Tests of the config flow, setup/unload and diagnostics."""
