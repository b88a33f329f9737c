/** Removes everything a user owns in the chats feature (called when an account is deleted). */
export async function deleteUserContent(_userId: string): Promise<void> {
  // Chats and messages are added by the chats feature.
}
