// A webhook receiver that checks signatures with the Node.js code of the seed's "Verifying
// signatures" section (shared/seeds/004_870b84a103b14493.txt), run as written there, inside a
// plain `http` server. Two things are added around it, none inside:
//  - `res.status(code)`: the snippet is written for Express; this is Express's one-line helper.
//  - the template literal: the seed's page shows it as `${'$'}{t}.${'$'}{rawBody}`, an escape of
//    the template engine that rendered the page. In JavaScript that text evaluates to the
//    constant string "${t}.${rawBody}" and would sign nothing of the request; the code the page
//    means, and the only one a receiver can use, is `${t}.${rawBody}`.
//
// Usage: WEBHOOK_SECRET=whsec_... node seed_receiver.js
// Prints {"port": N} once listening, then one JSON line per request with the verdict.
'use strict';
const http = require('http');
const crypto = require('crypto');

const secret = process.env.WEBHOOK_SECRET;

function verify(req, res, rawBody) {
  // ---- the seed's code, unchanged but for the template literal (see above) ----
  const [tPart, v1Part] = req.headers['x-webhook-signature'].split(',');
  const t = tPart.split('=')[1];
  const v1 = v1Part.split('=')[1];
  const signed = `${t}.${rawBody}`;
  const expected = crypto.createHmac('sha256', secret)
    .update(signed)
    .digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(v1))) {
    return res.status(403).end();
  }
  if (Math.abs(Date.now()/1000 - Number(t)) > 300) {
    return res.status(400).end(); // older than 5 minutes — replay
  }
  // ---- end of the seed's code ----
  return null;
}

const server = http.createServer((req, res) => {
  res.status = (code) => { res.statusCode = code; return res; };
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let verdict;
    try {
      verify(req, res, rawBody);
      verdict = res.writableEnded ? res.statusCode : 200;
    } catch (err) {
      verdict = 500;
      res.statusCode = 500;
    }
    if (!res.writableEnded) {
      res.statusCode = verdict;
      res.end();
    }
    console.log(JSON.stringify({
      status: verdict,
      deliveryId: req.headers['x-webhook-delivery-id'] || null,
      event: req.headers['x-webhook-event'] || null,
      signature: req.headers['x-webhook-signature'] || null,
      body: rawBody,
    }));
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
