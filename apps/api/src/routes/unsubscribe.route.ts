import { AppError } from '@fluxquery/errors';
import type { Logger } from '@fluxquery/logger';
import {
  isUnsubscribeTokenFor,
  pauseSubscription,
  resumeSubscription,
  tokenSubscriptionId,
  type RunDeps,
  type Subscription,
} from '@fluxquery/subscriptions';
import escapeHtml from 'escape-html';
import express, { Router, type Request, type Response } from 'express';

/**
 * The link in every email a subscription sends: not signed by a key, the token is the credential
 * (HMAC over the subscription and its recipient). GET (the link followed) and POST (RFC 8058's
 * one-click, `List-Unsubscribe=One-Click`) pause the subscription for its recipient and show a
 * page with an undo link; the undo resumes it, but only if that unsubscribe paused it.
 */
export function unsubscribeRoutes(runs: RunDeps, logger: Logger): Router {
  const router = Router();
  // RFC 8058's body is a small form; nothing in it is needed.
  router.use(express.urlencoded({ extended: false, limit: 1024 }));
  const unsubscribe = async (req: Request, res: Response) => {
    const subscription = await findByToken(runs, req);
    const paused = await pauseSubscription(runs, subscription.id, {
      by: 'unsubscribe',
      reason: `unsubscribed by ${subscription.request.email}`,
      notify: false,
    });
    if (paused) logger.info('subscription.unsubscribed', { subscriptionId: subscription.id });
    // Relative: /unsubscribe/<token> → /unsubscribe/<token>/undo, wherever the api is mounted.
    const undo = `${encodeURIComponent(String(req.params.token))}/undo`;
    page(
      res,
      `You are unsubscribed from "${subscription.name}"`,
      `No more exports from it will be sent to ${subscription.request.email}.`,
      {
        href: undo,
        label: 'Undo: subscribe again',
      },
    );
  };
  const undo = async (req: Request, res: Response) => {
    const subscription = await findByToken(runs, req);
    const resumed = await resumeSubscription(runs, subscription.id, 'unsubscribe');
    if (resumed) logger.info('subscription.resubscribed', { subscriptionId: subscription.id });
    const text =
      resumed || subscription.status === 'active'
        ? `Exports from it will be sent to ${subscription.request.email} again.`
        : 'It was not paused by an unsubscribe, so it stays as it is.';
    page(res, `"${subscription.name}"`, text);
  };
  router.get('/:token', unsubscribe);
  router.post('/:token', unsubscribe);
  router.get('/:token/undo', undo);
  router.post('/:token/undo', undo);
  return router;
}

async function findByToken(runs: RunDeps, req: Request): Promise<Subscription> {
  const token = String(req.params.token);
  const id = tokenSubscriptionId(token);
  const subscription = id ? await runs.store.get(id) : undefined;
  if (!subscription || !isUnsubscribeTokenFor(runs.links.secret, token, subscription.id, subscription.request.email)) {
    throw new AppError(
      'LINK_INVALID',
      'this unsubscribe link is not valid (its subscription is gone, or now mails someone else)',
    );
  }
  return subscription;
}

function page(res: Response, title: string, text: string, link?: { href: string; label: string }): void {
  const action = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  res
    .status(200)
    .type('html')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family:sans-serif"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${action}</body></html>`,
    );
}
