"""Development tools: the local stack, the demo and the local X API server. Nothing here is deployed."""
