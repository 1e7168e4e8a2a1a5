"use client";
import { UpdateCustomerDataButton } from "./components/update-customer-data-button";
import { staffAccessToken } from "./supabase-browser";

// Staff sign in with the app's Supabase Auth (invite-only); the button sends their token.
export default function CustomerDataPage() {
  return (
    <main>
      <h1>Customer data · ข้อมูลลูกค้า</h1>
      <UpdateCustomerDataButton getAccessToken={staffAccessToken} />
    </main>
  );
}
