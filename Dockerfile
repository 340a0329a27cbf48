FROM python:3.11-slim
WORKDIR /srv/cinemaos
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# The build context is filtered by .dockerignore: no virtualenv, instance/ secrets or databases.
COPY . .
# Never run as root: the app writes nothing in the image (media go to S3, logs to stdout).
RUN useradd --system --uid 10001 --no-create-home cinemaos
USER cinemaos
ENV FLASK_APP=wsgi PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
