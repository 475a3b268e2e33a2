const { defineConfig } = require("@medusajs/framework/utils")

// The shop run.sh makes: Medusa's defaults (in-memory event bus, cache and workflow engine; no
// Redis) on the throw-away PostgreSQL, with the plugin installed as a shop installs it. JavaScript:
// a medusa-config.ts needs ts-node, which this minimal shop does not install.
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://localhost",
      adminCors: "http://localhost",
      authCors: "http://localhost",
      jwtSecret: process.env.JWT_SECRET,
      cookieSecret: process.env.COOKIE_SECRET,
    },
  },
  // The admin at /app, with the plugin's Cart recovery page: NODE_ENV=development (run.sh), so
  // `medusa start` serves it through Vite's middleware, built on the first request.
  admin: { disable: false },
  plugins: [
    {
      resolve: "medusa-plugin-cart-abandon",
      options: { verifyToken: process.env.WHATSAPP_VERIFY_TOKEN },
    },
  ],
})
