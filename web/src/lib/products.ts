import type { Product } from './types';
import { productList } from './urlState';

/** Some answers carry products as plain strings; only known ones have a translated name. */
export function isProduct(value: string): value is Product {
  return (productList as readonly string[]).includes(value);
}
