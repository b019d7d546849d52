#!/bin/sh
# LocalStack runs this once its services are ready. booksim creates its own resources
# with `booksim deploy`, so the hook only leaves a line in `docker compose logs`.
echo "booksim: LocalStack is ready for 'booksim deploy'"
