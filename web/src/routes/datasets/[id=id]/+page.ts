import { DatasetItemsQuery } from '$lib/datasets/documents.ts';
import { ITEMS_PAGE_SIZE, itemFilter, parseItemListParams } from '$lib/datasets/item-params.ts';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params, url, depends }) => {
  depends(`app:dataset-items:${params.id}`);
  const { params: itemParams, problems } = parseItemListParams(url.searchParams);
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const { dataset } = await client.request(DatasetItemsQuery, {
      id: params.id,
      first: ITEMS_PAGE_SIZE,
      after: itemParams.after ?? null,
      filter: itemFilter(itemParams),
    });
    // A missing dataset is the layout's 404; this page only shows its items.
    return { itemParams, problems, items: dataset?.items ?? null, itemsError: null };
  } catch (error) {
    // A stale cursor or an API hiccup fails the list only, shown in place with a way out.
    return { itemParams, problems, items: null, itemsError: errorMessage(error) };
  }
}) satisfies PageLoad;
