"""The Review page: the guided questions, change attribution and the publish controls."""
