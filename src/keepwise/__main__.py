from keepwise.cli import app

app(prog_name="keepwise")
