"""Calibration by ABC-SMC: particles run through the calibration scenarios (``particle``),
pyabc's inference with its history (``smc``), and the posterior it leaves (``posterior``)."""
