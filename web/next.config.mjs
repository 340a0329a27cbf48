// Exported as static files (web/out): Flask serves them in the embedded default and nginx in
// docker-compose.yml, so no Node server runs in production. Pages with ids take them from the
// query string (/showtime?id=7), as a static export has no per-id pages.
/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "export",
  reactStrictMode: true,
  // Posters come from the API's own /media or S3 URLs: no image optimiser runs in an export.
  images: { unoptimized: true },
  poweredByHeader: false,
};

export default nextConfig;
