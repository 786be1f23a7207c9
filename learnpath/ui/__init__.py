"""What a person sees: console primitives (one width, one wrap), the views of each command, the --json records, the asking."""
