"""R307/AS608-family fingerprint modules: packets, driver, simulator."""
