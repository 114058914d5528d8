from coding_assistant.cli import app

app(prog_name="coding-assistant")
