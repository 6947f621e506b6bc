import { InboxPage } from "./InboxPage";

/** The inbox (/kotak-masuk), for every role: a chunk of its own, loaded when first opened. */
export default function InboxArea() {
  return <InboxPage />;
}
