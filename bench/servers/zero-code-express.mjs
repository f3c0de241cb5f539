// The Express 5 activities route for bench/zero-code-ir.ts, in the variant ZC_VARIANT names (configuration from the
// environment, as in production; the runner points both exporters at its counting sinks):
//   untraced   no dualtrace
//   adapter    initTracing() + app.use(tracing()) with zero-code tracing off (DUALTRACE_INSTRUMENT_SERVER=false)
//   zero-code  no dualtrace code; the runner starts node with --import dualtrace/register
//   both       --import dualtrace/register and app.use(tracing()) on top (one span, the adapter takes it over)
// Prints {"port":N} once listening; SIGTERM flushes (dualtrace's exit hook) and ends the process.
import { createServer } from 'node:http';
import express from 'express';

const variant = process.env.ZC_VARIANT ?? 'untraced';
const app = express();
if (variant === 'adapter' || variant === 'both') {
  if (variant === 'adapter') (await import('dualtrace')).initTracing();
  const { tracing } = await import('dualtrace/express');
  app.use(tracing());
}
app.get('/api/activities/:id', (req, res) => {
  res.json({ uuid: req.params.id, handle: 'Worf', message: 'I am out of prune juice', likes_count: 0, replies: [] });
});
const server = createServer(app).listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
