"""The golden summary of calibrated outputs and the script that refreshes it."""
