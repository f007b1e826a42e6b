"""The hall's MQTT contract: topics, message models, the paho client and a fake for tests."""
