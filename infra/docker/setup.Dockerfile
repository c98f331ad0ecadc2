# The setup image: the project's code and its dependencies, installed once when the image
# is built, so that `docker compose run --rm setup` starts in seconds and needs no registry.
# Rebuilt by `docker compose build setup` (compose also builds it on first use).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json init.sh ./
COPY sql ./sql
COPY lib ./lib
COPY infra ./infra
USER node
CMD ["./init.sh"]
