"""The assembled site: the top layer, above every feature app.

It holds what composes the whole product and so may import any app: the home page, the demo
community's seeder and the sweep (every app's due background work in one command).
Nothing below imports it (the import contracts in pyproject.toml enforce this).
"""
