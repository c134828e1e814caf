/** Remembers webhook delivery ids, so a redelivery is recognised and answered without doing the work twice. */
export interface DeliveryLog {
  /** Records the delivery; true the first time an id is seen within the window, false for a redelivery. */
  firstDelivery(source: string, deliveryId: string): Promise<boolean>;
  /** Forgets a delivery that was recorded but then refused, so its redelivery is handled rather than taken as a duplicate. */
  forget(source: string, deliveryId: string): Promise<void>;
}
