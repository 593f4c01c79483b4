"""Qt widgets. They talk to the controller and the store; never to openai or sqlite3."""
