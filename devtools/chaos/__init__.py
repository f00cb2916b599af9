"""`make chaos`: the fault and abuse suite on the local stack (see devtools/chaos/__main__.py)."""
