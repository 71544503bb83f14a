# Hirebridge in production: one image for the API (`hirebridge serve`) and the queue workers
# (`hirebridge worker`). The first stage builds the wheel from the repository; the second installs
# that wheel (and its pinned dependencies) and nothing else of the checkout, and runs as a user
# without privileges. Configuration comes from the environment (README, "Configure it for
# production"); compose.yaml beside this file runs the whole service.

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --disable-pip-version-check build==1.6.1
COPY pyproject.toml setup.py README.md ./
COPY openapi/ openapi/
COPY hirebridge/ hirebridge/
COPY handlers/ handlers/
COPY storage/ storage/
COPY jobs_queue/ jobs_queue/
RUN python -m build --wheel --outdir /dist .

FROM python:3.11-slim AS runtime
COPY --from=build /dist/ /tmp/dist/
COPY constraints.txt /tmp/constraints.txt
RUN python -m venv /opt/hirebridge \
    && /opt/hirebridge/bin/pip install --no-cache-dir --disable-pip-version-check \
        -c /tmp/constraints.txt /tmp/dist/*.whl \
    && rm -rf /tmp/dist /tmp/constraints.txt \
    && useradd --system --uid 10001 --home-dir /var/lib/hirebridge --create-home hirebridge
ENV PATH=/opt/hirebridge/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HIREBRIDGE_ENV=production \
    HIREBRIDGE_DATA_DIR=/var/lib/hirebridge
USER hirebridge
WORKDIR /var/lib/hirebridge
EXPOSE 8000
CMD ["hirebridge", "serve", "--bind", "0.0.0.0:8000"]
