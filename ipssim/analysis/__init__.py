"""Analyses of result tables: targets, sensitivity indices, scenario discovery."""
